package dev.protolens.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsing of squeue and sacct output, as Slurm 22.05 prints it (lines captured from .ci/slurm.sh's cluster). */
class QueueReportTest {

    @Test
    void squeueArrayTasksOneLineEach() {
        QueueReport q = new QueueReport().addSqueue("""
                58|0|COMPLETED|vm
                58|1|RUNNING|vm
                58|2|PENDING|(Resources)
                58|3|CANCELLED|vm
                """);
        assertEquals(4, q.tasks().size());
        assertEquals("COMPLETED", q.task(58, 0).state());
        assertFalse(q.task(58, 0).active());
        assertTrue(q.task(58, 1).active());
        assertTrue(q.task(58, 2).active());
        assertEquals("(Resources)", q.task(58, 2).detail());
        assertFalse(q.task(58, 3).active());
        assertNull(q.task(58, 4));
        assertNull(q.task(59, 0));
    }

    @Test
    void pendingRangesNotYetSplitAreExpanded() {
        QueueReport q = new QueueReport().addSqueue("70|[2-4,7%2]|PENDING|(JobArrayTaskLimit)\n");
        assertEquals(List.of(2, 3, 4, 7), q.tasks().stream().map(QueueReport.Task::index).toList());
    }

    @Test
    void sacctFillsWhatTheQueueForgotButNeverOverridesIt() {
        QueueReport q = new QueueReport()
                .addSqueue("81|1|RUNNING|vm\n")
                .addSacct("""
                        81_0|COMPLETED|0:0
                        81_1|FAILED|1:0
                        81_2|CANCELLED by 0|0:15
                        81_[3-4]|PENDING|0:0
                        """);
        assertEquals("COMPLETED", q.task(81, 0).state());
        assertEquals("RUNNING", q.task(81, 1).state());
        assertEquals("CANCELLED", q.task(81, 2).state());
        assertEquals("exit 0:15", q.task(81, 2).detail());
        assertTrue(q.task(81, 4).active());
    }

    @Test
    void noiseAndNonArrayJobsAreIgnored() {
        QueueReport q = new QueueReport()
                .addSqueue("slurm_load_jobs error: Invalid job id specified\n\n90|N/A|RUNNING|vm\n")
                .addSacct("90|COMPLETED|0:0\n90.batch|COMPLETED|0:0\n");
        assertTrue(q.tasks().isEmpty());
    }
}
