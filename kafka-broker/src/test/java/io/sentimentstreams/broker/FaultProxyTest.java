package io.sentimentstreams.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a loopback echo server: bytes pass, latency delays them, a stall holds them, a reset cuts. */
class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    final Socket s = echo.accept();
                    final Thread pump = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy reset us
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.start(0, echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void bytesPassBothWaysUnchanged() throws IOException {
        try (Socket s = connect()) {
            final byte[] payload = new byte[300_000];
            new java.util.Random(7).nextBytes(payload);
            final Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(payload);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            final byte[] back = new byte[payload.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertThat(back).isEqualTo(payload);
        }
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        proxy.latency(Duration.ofMillis(300));
        try (Socket s = connect()) {
            final long t0 = System.nanoTime();
            roundTrip(s, 1);
            // Up and down are each delayed, so one round trip takes at least twice the latency.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            proxy.latency(Duration.ZERO);
            roundTrip(s, 2);
        }
    }

    @Test
    void stallHoldsTrafficUntilResumedWithoutClosingTheConnection() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, 1);
            proxy.stall();
            s.getOutputStream().write(2);
            s.setSoTimeout(1500);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);
            proxy.resume();
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(2);
        }
    }

    @Test
    void resetCutsOpenConnectionsAndNewOnesWork() throws IOException {
        final Socket s = connect();
        roundTrip(s, 1);
        assertThat(proxy.resetConnections()).isEqualTo(1);
        s.setSoTimeout(5000);
        assertThatThrownBy(() -> {
            // The first write may still land in the kernel's buffer; the reset shows on read or a later write.
            for (int i = 0; i < 10; i++) {
                s.getOutputStream().write(3);
                if (s.getInputStream().read() < 0) {
                    throw new SocketException("end of stream");
                }
            }
        }).isInstanceOf(IOException.class);
        s.close();
        try (Socket again = connect()) {
            roundTrip(again, 4);
        }
        assertThat(proxy.resetCount()).isEqualTo(1);
    }

    @Test
    void connectionToADeadUpstreamIsClosed() throws IOException {
        // A bound socket that does not listen keeps its port from anyone else while refusing connections: a
        // closed server's port could be taken by another process on a busy machine before the proxy connects.
        try (Socket dead = new Socket()) {
            dead.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (FaultProxy toDead = FaultProxy.start(0, dead.getLocalPort());
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), toDead.port())) {
                s.setSoTimeout(5000);
                assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
            }
        }
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    }

    private static void roundTrip(final Socket s, final int value) throws IOException {
        s.getOutputStream().write(value);
        s.setSoTimeout(5000);
        assertThat(s.getInputStream().read()).isEqualTo(value);
    }
}
