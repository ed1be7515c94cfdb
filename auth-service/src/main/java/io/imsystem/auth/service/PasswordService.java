package io.imsystem.auth.service;

import io.imsystem.auth.config.AuthConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Slow salted password hashing (bcrypt through Quarkus Elytron). The password is first reduced
 * with SHA-256 so that bcrypt's 72-byte limit never silently ignores the end of a long password.
 */
@Startup
@ApplicationScoped
public class PasswordService {

    private final int cost;
    /** Checked against when the login name is unknown, so that both failures take the same time. */
    private final String dummyHash;

    public PasswordService(AuthConfig config) {
        this.cost = config.bcryptCost();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.dummyHash = BcryptUtil.bcryptHash(Base64.getEncoder().encodeToString(random), cost);
    }

    public String hash(String password) {
        return BcryptUtil.bcryptHash(prehash(password), cost);
    }

    /** Whether the password matches; with no hash (unknown user) it spends the same time and answers false. */
    public boolean matches(String password, String hash) {
        if (hash == null) {
            BcryptUtil.matches(prehash(password), dummyHash);
            return false;
        }
        return BcryptUtil.matches(prehash(password), hash);
    }

    private static String prehash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
