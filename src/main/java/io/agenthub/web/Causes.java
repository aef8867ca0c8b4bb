package io.agenthub.web;

/** Looks through an exception's chain of causes, which every framework wraps differently. */
public final class Causes {

    private Causes() {
    }

    /** The first throwable of {@code type} in the chain starting at {@code e}, or null. */
    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
