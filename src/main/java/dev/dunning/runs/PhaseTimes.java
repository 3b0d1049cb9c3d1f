package dev.dunning.runs;

import java.util.concurrent.atomic.AtomicLong;

/** Nanoseconds a partition's reader spent since the writer last took them (one partition, one thread). */
class PhaseTimes {

    private final AtomicLong readNanos = new AtomicLong();

    void read(long nanos) {
        readNanos.addAndGet(nanos);
    }

    long takeRead() {
        return readNanos.getAndSet(0);
    }
}
