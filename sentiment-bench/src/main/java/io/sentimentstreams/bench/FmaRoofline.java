package io.sentimentstreams.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-only vector FMA chains in, FLOPs per call out: the FMA-throughput roofline of
 * {@code bench inference}. Only {@link InferenceBenchmark#fmaPeakGflops} calls in here, after
 * {@code VectorSupport.available()}, so no other class links against the incubator module.
 */
final class FmaRoofline {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    // Sixteen independent chains cover the FMA latency times the FMA ports of current x86 cores.
    private static final int CHAINS = 16;

    private FmaRoofline() {
    }

    /** Floating-point operations of one {@link #fmaThroughput} round: 2 per lane per chain. */
    static double flopsPerRound() {
        return 2.0 * CHAINS * S.length();
    }

    /**
     * {@code rounds} rounds of 16 independent vector FMAs on registers; returns a value that depends on every
     * FMA so none is optimised away.
     */
    static float fmaThroughput(final long rounds) {
        final FloatVector m = FloatVector.broadcast(S, 0.999f);
        final FloatVector k = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = a0.add(k);
        FloatVector a2 = a1.add(k);
        FloatVector a3 = a2.add(k);
        FloatVector a4 = a3.add(k);
        FloatVector a5 = a4.add(k);
        FloatVector a6 = a5.add(k);
        FloatVector a7 = a6.add(k);
        FloatVector a8 = a7.add(k);
        FloatVector a9 = a8.add(k);
        FloatVector a10 = a9.add(k);
        FloatVector a11 = a10.add(k);
        FloatVector a12 = a11.add(k);
        FloatVector a13 = a12.add(k);
        FloatVector a14 = a13.add(k);
        FloatVector a15 = a14.add(k);
        for (long i = 0; i < rounds; i++) {
            a0 = a0.fma(m, k);
            a1 = a1.fma(m, k);
            a2 = a2.fma(m, k);
            a3 = a3.fma(m, k);
            a4 = a4.fma(m, k);
            a5 = a5.fma(m, k);
            a6 = a6.fma(m, k);
            a7 = a7.fma(m, k);
            a8 = a8.fma(m, k);
            a9 = a9.fma(m, k);
            a10 = a10.fma(m, k);
            a11 = a11.fma(m, k);
            a12 = a12.fma(m, k);
            a13 = a13.fma(m, k);
            a14 = a14.fma(m, k);
            a15 = a15.fma(m, k);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }
}
