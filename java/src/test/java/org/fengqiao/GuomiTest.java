package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * 国密 from Java: the built-in SM2 signer with the key of GB/T 32918.5 Annex A, a host
 * signer and protector by callback (the JDK has no SM2/SM4: HMAC and AES-GCM stand in for
 * the host's module, the wiring is what is tested), erasure and the audit record.
 */
class GuomiTest {
    static final String SECRET = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

    static String journal(Engine engine) {
        return engine.journalJsonl(0, 1_000_000);
    }

    @Test
    void signedHeadsVerifyAndACutJournalIsRefused() {
        try (Engine engine = Engine.create(world())) {
            FengqiaoException none = assertThrows(FengqiaoException.class, () -> engine.signHeadJson("journal", T0));
            assertEquals(ErrorCode.SIGNATURE, none.code());
            String pub = engine.setSm2Signer("centre-2025", SECRET);
            assertTrue(pub.startsWith("0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"), pub);
            String code = engine.register(GW, labour(), T0);
            engine.route(Actor.system(), code, T0);
            String head = engine.signHeadJson("journal", T0);
            String heads = "[" + head + "]";
            String keys = "{\"centre-2025\":\"" + pub + "\"}";
            String all = journal(engine);
            JsonNode report = Json.tree(Engine.verifyHeadsSm2Json(world(), all, heads, keys));
            assertEquals(0, report.get("unsigned").asInt());
            String cut = all.substring(0, all.lastIndexOf('\n', all.length() - 2) + 1);
            FengqiaoException truncated = assertThrows(FengqiaoException.class,
                    () -> Engine.verifyHeadsSm2Json(world(), cut, heads, keys));
            assertEquals(ErrorCode.SIGNATURE, truncated.code());
            assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

            // One case on its own (issue 33): its trace and its signed head, no world, no journal.
            String signedCase = "[" + engine.signHeadJson(code, T0) + "]";
            String trace = engine.traceJsonl(Actor.system(), code, T0);
            assertEquals(1, Json.tree(Engine.verifyCaseSm2Json(trace, signedCase, keys)).get("heads").asInt());
            FengqiaoException bare = assertThrows(FengqiaoException.class,
                    () -> Engine.verifyCaseSm2Json(trace, heads, keys));
            assertEquals(ErrorCode.SIGNATURE, bare.code());
            assertTrue(bare.getMessage().contains("no signed head"), bare.getMessage());

            // The host's signer and verifier by callback.
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            engine.setSigner("HMAC-SHA256", "host-1", m -> mac(key, m));
            String caseHead = engine.signHeadJson(code, T0);
            assertTrue(caseHead.contains("\"key_id\":\"host-1\""), caseHead);
            JsonNode caseReport = Json.tree(Engine.verifyHeadsJson(world(), all, "[" + caseHead + "]",
                    (alg, id, m, sig) -> alg.equals("HMAC-SHA256") && Arrays.equals(mac(key, m), sig)));
            // A case head alone is counted as the head it checked (issue 31).
            assertEquals(1, caseReport.get("heads").asInt());
            String caseTrace = engine.traceJsonl(Actor.system(), code, T0);
            assertEquals(1, Json.tree(Engine.verifyCaseJson(caseTrace, "[" + caseHead + "]",
                    (alg, id, m, sig) -> alg.equals("HMAC-SHA256") && Arrays.equals(mac(key, m), sig))).get("heads").asInt());
            FengqiaoException forged = assertThrows(FengqiaoException.class, () -> Engine.verifyCaseJson(caseTrace,
                    "[" + caseHead + "]", (alg, id, m, sig) -> false));
            assertEquals(ErrorCode.SIGNATURE, forged.code());
            FengqiaoException wrong = assertThrows(FengqiaoException.class, () -> Engine.verifyHeadsJson(world(), all,
                    "[" + caseHead + "]", (alg, id, m, sig) -> false));
            assertEquals(ErrorCode.SIGNATURE, wrong.code());
            engine.setSigner("HMAC-SHA256", "host-1", m -> {
                throw new IllegalStateException("module offline");
            });
            assertEquals(ErrorCode.SIGNATURE,
                    assertThrows(FengqiaoException.class, () -> engine.signHeadJson("journal", T0)).code());
        }
    }

    static byte[] mac(byte[] key, byte[] m) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(m);
    }

    /** One AES key per subject in a map: the host's key store, for the test. */
    static final class HostProtector implements Guomi.Protector {
        final Map<String, byte[]> keys = new HashMap<>();
        final SecureRandom random = new SecureRandom();

        @Override
        public byte[] seal(String subject, byte[] plain) throws Exception {
            byte[] k = keys.computeIfAbsent(subject, s -> {
                byte[] b = new byte[16];
                random.nextBytes(b);
                return b;
            });
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(subject.getBytes(StandardCharsets.UTF_8));
            byte[] body = c.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, 12 + body.length);
            System.arraycopy(body, 0, out, 12, body.length);
            return out;
        }

        @Override
        public byte[] open(String subject, byte[] sealed) throws Exception {
            byte[] k = keys.get(subject);
            if (k == null) {
                throw new IllegalStateException("no key for " + subject);
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
            c.updateAAD(subject.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 12, sealed.length - 12);
        }

        @Override
        public void erase(String subject) {
            keys.remove(subject);
        }
    }

    @Test
    void freeTextIsSealedReadWholeByTheMediatorAndErasedByKey() {
        try (Engine engine = Engine.create(world())) {
            HostProtector p = new HostProtector();
            engine.setProtector("AES-GCM", p);
            String code = engine.register(GW, labour(), T0);
            engine.route(Actor.system(), code, T0);
            String description = labour().description;
            String stored = journal(engine);
            assertFalse(stored.contains(description), "the description is stored in the clear");
            assertTrue(stored.contains("fq-sealed/1:AES-GCM:"));
            assertTrue(engine.viewCase(MD, code, T0).dispute.input.description.contains(description));
            assertEquals("〔受保护〕", engine.viewCase(GW, code, T0).dispute.input.description);
            // Refused while the case is open; erased once it is closed.
            FengqiaoException open = assertThrows(FengqiaoException.class,
                    () -> engine.erasePersonal(Actor.staff("cs-522301001001"), code, day(1)));
            assertEquals(ErrorCode.PROTECTION, open.code());
            engine.applyJson(MD, code, "{\"op\":\"accept\"}", day(1));
            engine.applyJson(MD, code, "{\"op\":\"terminate\",\"reason\":\"一方拒绝调解\",\"routes\":[\"litigation\"]}", day(1));
            engine.erasePersonal(Actor.staff("cs-522301001001"), code, day(1));
            assertFalse(p.keys.containsKey(code));
            assertEquals("〔已删除〕", engine.viewCase(MD, code, day(1)).dispute.input.description);
            String audit = engine.auditRecordJson();
            assertTrue(audit.contains("\"outcome\":\"read_whole\""), audit);
            assertTrue(audit.contains("\"outcome\":\"erased\""), audit);
        }
    }
}
