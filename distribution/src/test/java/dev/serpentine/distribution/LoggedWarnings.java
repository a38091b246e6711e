package dev.serpentine.distribution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The WARNING (and worse) messages one java.util.logging logger publishes while this is open. */
final class LoggedWarnings extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LoggedWarnings(Logger logger) {
        this.logger = logger;
    }

    static LoggedWarnings of(String loggerName) {
        LoggedWarnings w = new LoggedWarnings(Logger.getLogger(loggerName));
        w.logger.addHandler(w);
        return w;
    }

    /** What was published so far, in order. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) messages.add(r.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
