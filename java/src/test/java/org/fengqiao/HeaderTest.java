package org.fengqiao;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Method;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every function of the C header is declared for Java (the test-only panic hook aside). */
class HeaderTest {
    @Test
    void everyCFunctionIsReachable() {
        String header = Fixtures.read("ffi/include/fengqiao.h");
        TreeSet<String> c = new TreeSet<>();
        Matcher m = Pattern.compile("^[a-z].*?\\b(fq_[a-z0-9_]+)\\(", Pattern.MULTILINE).matcher(header);
        while (m.find()) {
            c.add(m.group(1));
        }
        c.remove("fq_debug_panic");
        assertTrue(c.size() > 60, c.toString());
        TreeSet<String> declared = new TreeSet<>();
        for (Method method : FqLibrary.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isNative(method.getModifiers())) {
                declared.add(method.getName());
            }
        }
        assertEquals(c, declared);
    }
}
