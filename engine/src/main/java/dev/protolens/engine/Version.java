package dev.protolens.engine;

/** The application version, as written into every run record. */
public final class Version {
    public static final String VALUE = "0.1.0";

    private Version() {}
}
