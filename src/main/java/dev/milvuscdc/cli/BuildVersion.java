package dev.milvuscdc.cli;

import picocli.CommandLine.IVersionProvider;

/** The version in the jar's manifest; "unknown" when run from classes outside a jar. */
public final class BuildVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = BuildVersion.class.getPackage().getImplementationVersion();
        return new String[] {"milvus-cdc " + (version == null ? "(version unknown: not run from the built jar)" : version)};
    }
}
