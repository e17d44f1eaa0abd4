package dev.milvuscdc.rig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPickedPortIsFreeAndOutsideTheRangeOutgoingConnectionsAreGiven() throws IOException {
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        int low = Integer.parseInt(range[0]);
        int high = Integer.parseInt(range[1]);
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pick();
            assertThat(port).isBetween(10_000, 65_535);
            assertThat(port < low || port > high).as("port %d outside %d-%d", port, low, high).isTrue();
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
