package dev.milvuscdc.rig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl
 * for tests of TLS connections. Keys are PEM in PKCS#8 form (openssl 3's default).
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates certs = new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"),
                dir.resolve("server.key"), dir.resolve("client.pem"), dir.resolve("client.key"));
        Path caKey = dir.resolve("ca.key");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=milvus-cdc test CA",
                "-keyout", caKey.toString(), "-out", certs.caCert.toString());
        sign(dir, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
                certs.serverKey, certs.serverCert, certs.caCert, caKey);
        sign(dir, "client", "/CN=cdc", "extendedKeyUsage=clientAuth\n", certs.clientKey, certs.clientCert,
                certs.caCert, caKey);
        return certs;
    }

    private static void sign(Path dir, String name, String subject, String extensions, Path key, Path cert,
                             Path caCert, Path caKey) throws IOException, InterruptedException {
        Path request = dir.resolve(name + ".csr");
        Path extensionFile = dir.resolve(name + ".ext");
        Files.writeString(extensionFile, extensions);
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key.toString(),
                "-out", request.toString());
        openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", extensionFile.toString(), "-out", cert.toString());
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + args[0] + " failed, see " + log);
        }
    }
}
