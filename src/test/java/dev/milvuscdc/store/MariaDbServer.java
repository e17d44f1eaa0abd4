package dev.milvuscdc.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB (the Debian {@code mariadb-server} binaries) for tests that must stop and
 * restart their database, which the shared rig's must never be. Its root user has no password.
 */
final class MariaDbServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    MariaDbServer(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.port = freePort();
        run(List.of("mariadb-install-db", "--datadir=" + dir.resolve("data"), "--user=" + user(),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
    }

    String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("mariadbd", "--no-defaults", "--user=" + user(),
                "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--port=" + port, "--bind-address=127.0.0.1",
                "--skip-log-bin", "--innodb-buffer-pool-size=32M")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mariadbd.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!listening()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("mariadbd did not start on port " + port + ", see " + dir.resolve("mariadbd.log"));
            }
            Thread.sleep(100);
        }
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Process install = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolveSibling(dir.getFileName() + "-install.log").toFile()).start();
        if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed, see its log next to " + dir);
        }
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
