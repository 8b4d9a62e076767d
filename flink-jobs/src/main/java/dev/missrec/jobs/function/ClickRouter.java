package dev.missrec.jobs.function;

import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.ParsedClick;
import dev.missrec.jobs.event.Rejection;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid clicks on and rejected records to the dead-letter side output, counting both (dead
 * letters per error kind).
 */
public class ClickRouter extends ProcessFunction<ParsedClick, Click> {
    /** Records the deserializer rejected, to the dead-letter topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("clicks-rejected") {};

    private transient Counter clicksIn;
    private transient Map<String, Counter> deadLettersByKind;

    @Override
    public void open(OpenContext openContext) {
        clicksIn = getRuntimeContext().getMetricGroup().counter("clicksIn");
        deadLettersByKind = new HashMap<>();
    }

    @Override
    public void processElement(ParsedClick value, Context ctx, Collector<Click> out) {
        if (value.click != null) {
            clicksIn.inc();
            out.collect(value.click);
            return;
        }
        deadLettersByKind
                .computeIfAbsent(
                        value.rejection.errorKind,
                        kind ->
                                getRuntimeContext()
                                        .getMetricGroup()
                                        .addGroup("deadLetters", kind)
                                        .counter("count"))
                .inc();
        ctx.output(REJECTED, value.rejection);
    }
}
