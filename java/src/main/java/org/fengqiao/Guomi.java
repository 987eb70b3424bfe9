package org.fengqiao;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * 国密 from Java: what a host implements over its certified cryptographic module (an HSM
 * behind the SDF interface, GM/T 0018; a KMS) to sign heads and to protect personal data,
 * and the callbacks that carry it across the C ABI. See docs/security.md.
 *
 * <p>Register them with {@link Engine#setSigner}, {@link Engine#setProtector} and pass a
 * verifier to {@link Engine#verifyHeadsJson}. An exception thrown by the host's code fails
 * the call ({@link ErrorCode#SIGNATURE} or {@link ErrorCode#PROTECTION}) and changes nothing.
 * The engine keeps the registered objects reachable as long as it lives.
 */
public final class Guomi {
    private Guomi() {}

    /** Signs the bytes of a head (SM2 with SM3, GB/T 32918, in production). */
    public interface HeadSigner {
        /** The signature of {@code message}, at most 512 bytes. */
        byte[] sign(byte[] message) throws Exception;
    }

    /** Checks a head's signature. */
    public interface HeadVerifier {
        /** Whether {@code signature} is {@code keyId}'s signature of {@code message}. */
        boolean verify(String algorithm, String keyId, byte[] message, byte[] signature) throws Exception;
    }

    /** Seals and opens personal data with one key per subject (a resident's id, a case code). */
    public interface Protector {
        /** {@code plain} sealed under {@code subject}'s key: at most 256 bytes longer. */
        byte[] seal(String subject, byte[] plain) throws Exception;

        /** What {@link #seal} sealed; throws if the key is gone or the value was changed. */
        byte[] open(String subject, byte[] sealed) throws Exception;

        /** Destroys {@code subject}'s key (crypto-shredding). */
        void erase(String subject) throws Exception;
    }

    // ----- the C callbacks (fengqiao.h: FqSignFn, FqVerifyFn, FqSealFn, FqEraseFn) -------------

    interface SignFn extends Callback {
        int invoke(Pointer ctx, Pointer message, long messageLen, Pointer signature, long cap, Pointer signatureLen);
    }

    interface VerifyFn extends Callback {
        int invoke(Pointer ctx, Pointer algorithm, Pointer keyId, Pointer message, long messageLen, Pointer signature,
                long signatureLen);
    }

    interface SealFn extends Callback {
        int invoke(Pointer ctx, Pointer subject, Pointer input, long inputLen, Pointer output, long cap, Pointer outputLen);
    }

    interface EraseFn extends Callback {
        int invoke(Pointer ctx, Pointer subject);
    }

    private static String text(Pointer p) {
        return p.getString(0, StandardCharsets.UTF_8.name());
    }

    /** Writes {@code bytes} to a C buffer of {@code cap} bytes; 0, or 2 when they do not fit. */
    private static int put(byte[] bytes, Pointer out, long cap, Pointer len) {
        if (bytes == null || bytes.length > cap) {
            return 2;
        }
        out.write(0, bytes, 0, bytes.length);
        len.setLong(0, bytes.length); // size_t on LP64
        return 0;
    }

    // An exception must not reach native code (JNA would report success): each callback
    // catches everything and returns a failure status instead.

    static SignFn signFn(HeadSigner s) {
        return (ctx, message, n, signature, cap, len) -> {
            try {
                return put(s.sign(message.getByteArray(0, (int) n)), signature, cap, len);
            } catch (Throwable t) {
                return 1;
            }
        };
    }

    static VerifyFn verifyFn(HeadVerifier v) {
        return (ctx, algorithm, keyId, message, n, signature, sn) -> {
            try {
                boolean ok = v.verify(text(algorithm), text(keyId), message.getByteArray(0, (int) n),
                        signature.getByteArray(0, (int) sn));
                return ok ? 0 : 1;
            } catch (Throwable t) {
                return 1;
            }
        };
    }

    static SealFn sealFn(Protector p, boolean seal) {
        return (ctx, subject, input, n, output, cap, len) -> {
            try {
                byte[] in = input.getByteArray(0, (int) n);
                String s = text(subject);
                return put(seal ? p.seal(s, in) : p.open(s, in), output, cap, len);
            } catch (Throwable t) {
                return 1;
            }
        };
    }

    static EraseFn eraseFn(Protector p) {
        return (ctx, subject) -> {
            try {
                p.erase(text(subject));
                return 0;
            } catch (Throwable t) {
                return 1;
            }
        };
    }
}
