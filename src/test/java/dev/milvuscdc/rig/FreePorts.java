package dev.milvuscdc.rig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for servers that tests stop and start again on the same port, picked outside the range
 * the kernel hands out to outgoing connections. A port from that range ({@code new ServerSocket(0)})
 * can be taken while its server is down by any client's connection, or stay held by that connection's
 * TIME_WAIT, and the server's restart then fails to bind it. {@code scripts/rig} picks its ports the
 * same way.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {
    }

    /** A port of 127.0.0.1 that nothing listens on now and no outgoing connection will be given. */
    public static int pick() throws IOException {
        int[] ephemeral = ephemeralRange();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = random.nextInt(LOWEST, 65_536);
            if (port >= ephemeral[0] && port <= ephemeral[1]) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int[] ephemeralRange() {
        try {
            String[] bounds = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32_768, 60_999}; // Linux's default, where /proc cannot be read
        }
    }
}
