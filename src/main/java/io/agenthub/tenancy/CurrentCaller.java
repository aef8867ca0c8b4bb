package io.agenthub.tenancy;

import jakarta.enterprise.context.RequestScoped;

import io.agenthub.web.ApiException;

/** The caller of the current request, set once by {@link CallerFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public boolean isPresent() {
        return caller != null;
    }

    public Caller get() {
        if (caller == null) {
            throw ApiException.unauthorized("A valid bearer token is required.");
        }
        return caller;
    }
}
