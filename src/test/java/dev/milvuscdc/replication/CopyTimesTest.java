package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyTimesTest {

    @Test
    void countsPagesWithRowsAndAddsUpTheTimeOfEachPart() {
        CopyTimes times = new CopyTimes();
        long now = System.nanoTime();

        times.read(now - 1_500_000_000L, 100);
        times.read(now - 500_000_000L, 0);
        times.handedOver(now - 250_000_000L);

        String line = times.toString();
        assertThat(line).startsWith("1 pages, ");
        assertThat(line).containsPattern("2\\.\\d s reading the source, 0\\.\\d s waiting for the target");
    }
}
