package io.sentimentstreams.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A TCP proxy on a loopback port that forwards every connection to one upstream address and, on command,
 * delays each chunk by a fixed latency, stalls all traffic (connections stay open, nothing moves), or resets
 * every open connection (RST to both ends). Plain Java sockets, no root needed; one per broker, because
 * Kafka clients connect to the addresses the brokers advertise, not to the bootstrap list.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FaultProxy.class);
    private static final int CHUNK = 64 * 1024;
    /** Chunks read but not yet written per direction; a full queue stops reading, so TCP pushes back. */
    private static final int QUEUE = 256;

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile long latencyNanos;
    private volatile boolean stalled;
    private volatile boolean closed;
    private final Thread acceptor;

    private FaultProxy(final ServerSocket server, final InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code port} of the loopback address (0: a free one) and forwards to {@code upstreamPort}. */
    public static FaultProxy start(final int port, final int upstreamPort) throws IOException {
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        return new FaultProxy(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
    }

    public int port() {
        return server.getLocalPort();
    }

    public int upstreamPort() {
        return upstream.getPort();
    }

    /** Delays every chunk by {@code latency} in each direction from now on ({@link Duration#ZERO} ends it). */
    public void latency(final Duration latency) {
        latencyNanos = latency.toNanos();
    }

    /** Stops all traffic through the proxy, in both directions, until {@link #resume}; connections stay open. */
    public void stall() {
        stalled = true;
    }

    /** Ends a {@link #stall}. */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    /** Ends a stall and any latency. */
    public void heal() {
        latency(Duration.ZERO);
        resume();
    }

    /** Resets every open connection (RST to the client and to the upstream); returns how many. */
    public int resetConnections() {
        int n = 0;
        for (final Link link : links) {
            if (link.reset()) {
                n++;
            }
        }
        resets.addAndGet(n);
        return n;
    }

    /** Connections open through the proxy now. */
    public int openConnections() {
        return links.size();
    }

    public long acceptedConnections() {
        return accepted.get();
    }

    public long resetCount() {
        return resets.get();
    }

    @Override
    public void close() {
        closed = true;
        resume();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        links.forEach(Link::reset);
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warnf("fault proxy on port %d stopped accepting: %s", port(), e.getMessage());
                }
                return;
            }
            accepted.incrementAndGet();
            final Socket target = new Socket();
            try {
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                target.connect(upstream, 5000);
            } catch (IOException e) {
                // The upstream is down (a killed broker): the client sees the connection close, as it would
                // if it had connected to the dead broker itself.
                closeQuietly(target);
                closeQuietly(client);
                continue;
            }
            final Link link = new Link(client, target);
            links.add(link);
            link.start();
        }
    }

    /** Waits while the proxy is stalled; false when the proxy closed meanwhile. */
    private boolean awaitFlowing() throws InterruptedException {
        if (!stalled) {
            return !closed;
        }
        synchronized (gate) {
            while (stalled && !closed) {
                gate.wait(200);
            }
        }
        return !closed;
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** One proxied connection: two directions, each a reader and a writer joined by a bounded queue. */
    private final class Link {

        private final Socket client;
        private final Socket target;
        private final java.util.concurrent.atomic.AtomicInteger directionsEnded =
                new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean done;

        Link(final Socket client, final Socket target) {
            this.client = client;
            this.target = target;
        }

        void start() {
            direction(client, target, "up");
            direction(target, client, "down");
        }

        private void direction(final Socket from, final Socket to, final String name) {
            final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
            final Thread reader = new Thread(() -> read(from, queue), "fault-proxy-" + port() + "-" + name + "-read");
            final Thread writer = new Thread(() -> write(to, queue), "fault-proxy-" + port() + "-" + name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read(final Socket from, final BlockingQueue<Chunk> queue) {
            try {
                final InputStream in = from.getInputStream();
                final byte[] buf = new byte[CHUNK];
                while (awaitFlowing()) {
                    final int n = in.read(buf);
                    if (!hand(queue, n < 0 ? Chunk.END : new Chunk(Arrays.copyOf(buf, n), System.nanoTime()))
                            || n < 0) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                end();
            }
        }

        /** Queues a chunk for the writer; false once the connection is done (a writer gone never drains it). */
        private boolean hand(final BlockingQueue<Chunk> queue, final Chunk chunk) throws InterruptedException {
            while (!done) {
                if (queue.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        }

        private void write(final Socket to, final BlockingQueue<Chunk> queue) {
            try {
                final OutputStream out = to.getOutputStream();
                while (!done) {
                    final Chunk chunk = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    if (chunk == Chunk.END) {
                        // Pass the half-close on; the link ends when both directions have.
                        to.shutdownOutput();
                        if (directionsEnded.incrementAndGet() == 2) {
                            end();
                        }
                        return;
                    }
                    final long due = chunk.readAt() + latencyNanos;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!awaitFlowing()) {
                        return;
                    }
                    out.write(chunk.data());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                end();
            }
        }

        /** Closes both sockets normally (one side went away). */
        private void end() {
            if (!done) {
                done = true;
                links.remove(this);
                closeQuietly(client);
                closeQuietly(target);
            }
        }

        /** Closes both sockets with RST; false when the link had already ended. */
        boolean reset() {
            if (done) {
                return false;
            }
            done = true;
            links.remove(this);
            for (final Socket s : new Socket[] {client, target}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException e) {
                    // already closed
                }
                closeQuietly(s);
            }
            return true;
        }
    }

    private record Chunk(byte[] data, long readAt) {
        static final Chunk END = new Chunk(new byte[0], 0);
    }
}
