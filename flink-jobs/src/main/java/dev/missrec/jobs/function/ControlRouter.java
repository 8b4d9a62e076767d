package dev.missrec.jobs.function;

import dev.missrec.jobs.event.ControlEvent;
import dev.missrec.jobs.event.Rejection;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes usable control events on and sends undecodable ones to the dead-letter side output. */
public class ControlRouter extends ProcessFunction<ControlEvent, ControlEvent> {
    /** Control records that could not be used, to the dead-letter topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("control-rejected") {};

    @Override
    public void processElement(ControlEvent value, Context ctx, Collector<ControlEvent> out) {
        if (value.rejection != null) {
            ctx.output(REJECTED, value.rejection);
        } else {
            out.collect(value);
        }
    }
}
