package dev.milvuscdc.rig;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private etcd (the Debian {@code etcd-server} binary) for tests that must stop, restart or
 * reconfigure their etcd, which the shared rig's etcd must never be.
 */
public final class EtcdServer implements AutoCloseable {

    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final TestCertificates tls;
    private Process process;

    public EtcdServer(Path dataDir) throws IOException {
        this(dataDir, null);
    }

    private EtcdServer(Path dataDir, TestCertificates tls) throws IOException {
        this.dataDir = dataDir;
        this.clientPort = FreePorts.pick();
        this.peerPort = FreePorts.pick();
        this.tls = tls;
    }

    /** An etcd that serves clients over TLS only and asks each for a certificate signed by {@code certificates}' CA. */
    public static EtcdServer withClientCertificates(Path dataDir, TestCertificates certificates) throws IOException {
        return new EtcdServer(dataDir, certificates);
    }

    public String endpoint() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public void start() throws IOException, InterruptedException {
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of("etcd", "--name", "store-test", "--data-dir", dataDir.toString(),
                "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "store-test=" + peer));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
                    "--trusted-ca-file", tls.caCert().toString(), "--client-cert-auth"));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!listening()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("etcd did not start on " + endpoint() + ", see its log next to "
                        + dataDir);
            }
            Thread.sleep(100);
        }
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /** Turns authentication on, with {@code user} (password {@code password}) as the one user, holding the root role. */
    public void enableAuth(String user, String password)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Client client = Client.builder().endpoints(endpoint()).build()) {
            ByteSequence root = bytes("root");
            client.getAuthClient().roleAdd(root).get(10, TimeUnit.SECONDS);
            client.getAuthClient().userAdd(bytes(user), bytes(password)).get(10, TimeUnit.SECONDS);
            client.getAuthClient().userGrantRole(bytes(user), root).get(10, TimeUnit.SECONDS);
            client.getAuthClient().authEnable().get(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
