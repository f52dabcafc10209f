package io.github.vicregstreams.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar, redrawn in place with a carriage return, at most every 200 ms. */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter out;
    private final String unit;
    private final long total;
    private final long started = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintWriter out, String unit, long total) {
        this.out = out;
        this.unit = unit;
        this.total = Math.max(1, total);
    }

    void update(long done) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print('\r' + line(done, total, unit, (now - started) / 1e9));
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    /** {@code [#########.....] 45% 27,000/60,000 pairs, 2,300/s}. */
    static String line(long done, long total, String unit, double seconds) {
        int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%% %,d/%,d %s, %,.0f/s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (int) (100 * Math.min(1.0, (double) done / total)),
                done,
                total,
                unit,
                seconds > 0 ? done / seconds : 0.0);
    }

    /** A short bar without counts, for progress lines that carry their own. */
    static String bar(long done, long total, int width) {
        int filled = (int) (width * Math.min(1.0, (double) done / Math.max(1, total)));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
