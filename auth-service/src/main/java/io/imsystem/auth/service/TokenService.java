package io.imsystem.auth.service;

import io.imsystem.auth.config.AuthConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.util.ResourceUtils;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.HashUtil;

/**
 * Signs access tokens (RS256) with the private key and publishes the matching public key as JWKS.
 * The key locations are the framework's own settings, shared with smallrye-jwt verification.
 */
@Startup
@ApplicationScoped
public class TokenService {

    /** Claim carrying the refresh family (session) of an access token. */
    public static final String SESSION_CLAIM = "sid";
    public static final String USERNAME_CLAIM = "username";

    private final PrivateKey signingKey;
    private final String keyId;
    private final Map<String, Object> jwks;
    private final String issuer;
    private final Duration lifetime;

    /** An issued access token and what the caller needs to know about it. */
    public record AccessToken(String token, String jti, Instant expiresAt, long expiresIn) {
    }

    public TokenService(AuthConfig config,
            @ConfigProperty(name = "smallrye.jwt.sign.key.location") String privateKeyLocation,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") String publicKeyLocation,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) throws Exception {
        // ResourceUtils reads file paths, file:, classpath: and http(s): locations alike; KeyUtils' own
        // readers only look on the class path.
        this.signingKey = KeyUtils.decodePrivateKey(ResourceUtils.readResource(privateKeyLocation), SignatureAlgorithm.RS256);
        PublicKey publicKey = KeyUtils.decodePublicKey(ResourceUtils.readResource(publicKeyLocation), SignatureAlgorithm.RS256);
        requirePair(signingKey, publicKey);
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) publicKey);
        this.keyId = jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
        jwk.setKeyId(keyId);
        jwk.setAlgorithm("RS256");
        jwk.setUse("sig");
        this.jwks = Map.of("keys", List.of(jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
        this.issuer = issuer;
        this.lifetime = config.accessTokenLifetime();
    }

    public AccessToken issue(long userId, String username, String sessionId) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        String token = Jwt.issuer(issuer)
                .subject(Long.toString(userId))
                .claim(USERNAME_CLAIM, username)
                .claim(SESSION_CLAIM, sessionId)
                .claim("jti", jti)
                .issuedAt(now.getEpochSecond())
                .expiresAt(expiresAt.getEpochSecond())
                .jws().keyId(keyId).algorithm(SignatureAlgorithm.RS256)
                .sign(signingKey);
        return new AccessToken(token, jti, Instant.ofEpochSecond(expiresAt.getEpochSecond()), lifetime.toSeconds());
    }

    /** The public key as a JSON Web Key Set ({@code kid} = RFC 7638 thumbprint). */
    public Map<String, Object> jwks() {
        return jwks;
    }

    public String keyId() {
        return keyId;
    }

    /** Refuses to start when the signing key does not belong to the published public key. */
    private static void requirePair(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        byte[] probe = "im-system key pair check".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("JWT_PRIVATE_KEY does not match JWT_PUBLIC_KEY: tokens signed here would be "
                    + "refused everywhere. Point both at the two halves of one RSA key pair.");
        }
    }
}
