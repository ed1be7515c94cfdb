package io.imsystem.resilience;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hostile access tokens, made from a real one of the run. */
final class Tokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Tokens() {
    }

    /** Every kind of bad token, by name, for a user whose real token is {@code valid}. */
    static Map<String, String> hostile(String valid, long otherUserId, Path keys) throws Exception {
        String[] parts = valid.split("\\.");
        ObjectNode claims = (ObjectNode) Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        long now = Instant.now().getEpochSecond();
        PrivateKey runKey = privateKey(keys.resolve("private.pem"));
        Map<String, String> out = new LinkedHashMap<>();

        out.put("garbage", "not-a-jwt");
        ObjectNode forged = claims.deepCopy().put("sub", Long.toString(otherUserId));
        out.put("forged (subject changed, signature kept)", parts[0] + "." + enc(forged) + "." + parts[2]);
        out.put("tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2]));

        ObjectNode expired = claims.deepCopy().put("iat", now - 7200).put("exp", now - 3600);
        out.put("expired (signed with the real key)", rs256(expired, runKey));

        ObjectNode none = Api.JSON.createObjectNode().put("alg", "none").put("typ", "JWT");
        out.put("alg:none", B64.encodeToString(none.toString().getBytes(StandardCharsets.UTF_8)) + "." + enc(forged) + ".");

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        out.put("wrong key (RS256, another key pair)", rs256(forged, generator.generateKeyPair().getPrivate()));

        String publicPem = Files.readString(keys.resolve("public.pem"));
        out.put("HS256 with the public key as secret", hs256(forged, publicPem.getBytes(StandardCharsets.UTF_8)));

        ObjectNode otherIssuer = claims.deepCopy().put("iss", "evil");
        out.put("wrong issuer (signed with the real key)", rs256(otherIssuer, runKey));
        return out;
    }

    /**
     * A service token as the services sign them (docs/SECURITY.md), written here independently of
     * common's InternalCredential: HS256 over {iss, aud, iat, exp[, sub][, bh]}.
     */
    static String service(String issuer, String audience, long userId, byte[] body, long issuedAt, long expiresAt, String key) {
        try {
            ObjectNode claims = Api.JSON.createObjectNode().put("iss", issuer).put("aud", audience).put("iat", issuedAt).put("exp", expiresAt);
            if (userId > 0) {
                claims.put("sub", Long.toString(userId));
            }
            if (body != null) {
                claims.put("bh", B64.encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(body)));
            }
            return hs256(claims, key.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rs256(ObjectNode claims, PrivateKey key) throws Exception {
        String head = B64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + enc(claims);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(head.getBytes(StandardCharsets.US_ASCII));
        return head + "." + B64.encodeToString(s.sign());
    }

    private static String hs256(ObjectNode claims, byte[] secret) throws Exception {
        String head = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + enc(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return head + "." + B64.encodeToString(mac.doFinal(head.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String enc(ObjectNode json) {
        return B64.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String flip(String signature) {
        char c = signature.charAt(10);
        return signature.substring(0, 10) + (c == 'A' ? 'B' : 'A') + signature.substring(11);
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
