package org.fengqiao;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads the native library, in the order the JDBC drivers vendors already run
 * (sqlite-jdbc, cedar-java) use:
 *
 * <ol>
 *   <li>the file named by the system property {@code fengqiao.library.path}, else by the
 *       environment variable {@code FENGQIAO_LIBRARY_PATH};</li>
 *   <li>{@code libfengqiao_ffi.so} in a directory of {@code java.library.path};</li>
 *   <li>the copy bundled in the jar under {@code org/fengqiao/native/<platform>/}
 *       ({@code linux-x86_64}, {@code linux-aarch64}, {@code linux-loongarch64}), extracted to
 *       {@code fengqiao.tmpdir} (default {@code java.io.tmpdir}; created when missing) under a name made of its
 *       SHA-256: written to a unique temporary file first and moved into place atomically,
 *       so two JVMs extracting at once never load a half-written file, and a file already
 *       there is reused only if its content matches. Where the temporary directory is
 *       mounted {@code noexec}, set {@code fengqiao.tmpdir} to one that is not.</li>
 * </ol>
 */
final class NativeLoader {
    private NativeLoader() {}

    /** The library's file name on this platform ({@code libfengqiao_ffi.so} on Linux). */
    static final String FILE = System.mapLibraryName("fengqiao_ffi");

    private static volatile NativeLibrary loaded;

    static NativeLibrary library() {
        NativeLibrary lib = loaded;
        if (lib == null) {
            synchronized (NativeLoader.class) {
                lib = loaded;
                if (lib == null) {
                    lib = load();
                    loaded = lib;
                }
            }
        }
        return lib;
    }

    /** Where the library was found, for messages. */
    static volatile String source = "";

    private static NativeLibrary load() {
        List<String> tried = new ArrayList<>();
        String named = System.getProperty("fengqiao.library.path");
        if (named == null || named.isEmpty()) {
            named = System.getenv("FENGQIAO_LIBRARY_PATH");
        }
        if (named != null && !named.isEmpty()) {
            return open(new File(named).getAbsolutePath(), "fengqiao.library.path / FENGQIAO_LIBRARY_PATH");
        }
        String path = System.getProperty("java.library.path", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            File f = new File(dir, FILE);
            tried.add(f.getPath());
            if (f.isFile()) {
                return open(f.getAbsolutePath(), "java.library.path");
            }
        }
        String resource = "/org/fengqiao/native/" + platform() + "/" + FILE;
        tried.add("classpath:" + resource);
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in != null) {
                return open(extract(in).toString(), "the jar (" + platform() + ")");
            }
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("fengqiao: cannot extract " + resource + ": " + e);
        }
        throw new UnsatisfiedLinkError("fengqiao: no native library " + FILE + " for " + platform()
                + "; looked in " + tried + ". Set -Dfengqiao.library.path=/path/to/" + FILE);
    }

    private static NativeLibrary open(String file, String how) {
        Map<String, Object> options = new HashMap<>();
        options.put(Library.OPTION_STRING_ENCODING, "UTF-8");
        NativeLibrary lib = NativeLibrary.getInstance(file, options);
        source = file + " (from " + how + ")";
        return lib;
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}, {@code linux-loongarch64} … */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "").toLowerCase();
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos"
                : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    private static Path extract(InputStream in) throws IOException {
        String base = System.getProperty("fengqiao.tmpdir", System.getProperty("java.io.tmpdir"));
        Path dir = Paths.get(base);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("fengqiao.tmpdir " + dir + " is missing and cannot be created ("
                    + e + "): set -Dfengqiao.tmpdir to a writable directory that is not mounted noexec", e);
        }
        Path tmp = Files.createTempFile(dir, "fengqiao-", ".part");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            String digest = sha256(tmp);
            String name = FILE.replace("fengqiao_ffi", "fengqiao_ffi-" + digest.substring(0, 16));
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target) && sha256(target).equals(digest)) {
                return target;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest(Files.readAllBytes(file));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
