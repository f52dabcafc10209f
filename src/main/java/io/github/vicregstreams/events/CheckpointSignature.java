package io.github.vicregstreams.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * HMAC-SHA256 signatures of model-topic records ({@code checkpoint.signing.key}). Anyone who can
 * write the model topic can write a record with a valid checksum; with a key set, only records
 * signed with it are loaded by inference, {@code evaluate} and the monitor.
 *
 * <p>The signature covers the checkpoint bytes (which hold the spec and the step) and travels in
 * header {@value #HEADER} as lower-case hex. Thread-safe.
 */
public final class CheckpointSignature {

    /** The header that carries the signature. */
    public static final String HEADER = "vicreg.signature";

    private static final String ALGORITHM = "HmacSHA256";

    private static final CheckpointSignature NONE = new CheckpointSignature(null);

    private final SecretKeySpec key;

    private CheckpointSignature(SecretKeySpec key) {
        this.key = key;
    }

    /**
     * No signing: nothing is signed, and every record is accepted, signed or not.
     *
     * @return the signature policy without a key
     */
    public static CheckpointSignature none() {
        return NONE;
    }

    /**
     * Signing with a shared secret; an empty secret means {@link #none()}.
     *
     * @param secret the key, as configured
     * @return the signature policy
     */
    public static CheckpointSignature withKey(String secret) {
        Objects.requireNonNull(secret, "secret must not be null (empty for none)");
        if (secret.isEmpty()) {
            return NONE;
        }
        return new CheckpointSignature(
                new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
    }

    /**
     * Whether records are signed and checked.
     *
     * @return true with a key
     */
    public boolean enabled() {
        return key != null;
    }

    /**
     * Adds the signature of {@code checkpoint} to {@code headers}; does nothing without a key.
     *
     * @param checkpoint the record value
     * @param headers the record's headers
     */
    public void sign(byte[] checkpoint, Headers headers) {
        if (key != null) {
            headers.remove(HEADER);
            headers.add(
                    HEADER,
                    HexFormat.of().formatHex(mac(checkpoint)).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Says why a record must be refused, or returns null when it may be loaded: always null without
     * a key; with one, the header must hold the checkpoint's signature (compared in constant time).
     *
     * @param checkpoint the record value
     * @param headers the record's headers
     * @return the reason to refuse it, or null
     */
    public String refusal(byte[] checkpoint, Headers headers) {
        if (key == null) {
            return null;
        }
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return "unsigned: checkpoint.signing.key is set, and the record has no "
                    + HEADER
                    + " header";
        }
        byte[] expected =
                HexFormat.of().formatHex(mac(checkpoint)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, header.value())) {
            return "bad signature: the "
                    + HEADER
                    + " header is not this record's HMAC-SHA256 under"
                    + " checkpoint.signing.key";
        }
        return null;
    }

    private byte[] mac(byte[] checkpoint) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(checkpoint);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return key == null
                ? "CheckpointSignature[none]"
                : "CheckpointSignature[HMAC-SHA256, key set]";
    }
}
