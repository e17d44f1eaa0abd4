package dev.milvuscdc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layout follows the data (source → pipeline → sink), with the task model below the store, the
 * sink and the metrics, and the control plane and the HTTP API above them. Lower packages never use
 * higher ones and no packages form a cycle.
 */
class PackageRulesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.milvuscdc");

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.milvuscdc.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("root").definedBy("dev.milvuscdc")
                .layer("cli").definedBy("dev.milvuscdc.cli..")
                .layer("http").definedBy("dev.milvuscdc.http..")
                .layer("control").definedBy("dev.milvuscdc.control..")
                .layer("replication").definedBy("dev.milvuscdc.replication..")
                .layer("source").definedBy("dev.milvuscdc.source..")
                .layer("snapshot").definedBy("dev.milvuscdc.snapshot..")
                .layer("pipeline").definedBy("dev.milvuscdc.pipeline..")
                .layer("sink").definedBy("dev.milvuscdc.sink..")
                .layer("store").definedBy("dev.milvuscdc.store..")
                .layer("metrics").definedBy("dev.milvuscdc.metrics..")
                .layer("task").definedBy("dev.milvuscdc.task..")
                .layer("config").definedBy("dev.milvuscdc.config..")
                .layer("event").definedBy("dev.milvuscdc.event..")
                .whereLayer("root").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayOnlyBeAccessedByLayers("root")
                .whereLayer("http").mayOnlyBeAccessedByLayers("root")
                .whereLayer("control").mayOnlyBeAccessedByLayers("root", "http")
                .whereLayer("replication").mayOnlyBeAccessedByLayers("root")
                .whereLayer("source").mayOnlyBeAccessedByLayers("root", "replication")
                .whereLayer("snapshot").mayOnlyBeAccessedByLayers("root", "control", "replication")
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("replication")
                .whereLayer("sink").mayOnlyBeAccessedByLayers("root", "control", "replication")
                .whereLayer("store").mayOnlyBeAccessedByLayers("root", "control", "replication")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("root", "http", "control", "replication")
                .whereLayer("task").mayOnlyBeAccessedByLayers("root", "http", "control", "replication", "snapshot",
                        "sink", "store", "metrics")
                .whereLayer("config").mayOnlyBeAccessedByLayers("root", "http", "source")
                .check(MAIN);
    }

    /** The CLI is a client of the HTTP API, nothing more: it runs against any server version that keeps the API. */
    @Test
    void theCliUsesNothingOfTheServer() {
        noClasses().that().resideInAPackage("dev.milvuscdc.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.milvuscdc", "dev.milvuscdc.config..",
                        "dev.milvuscdc.control..", "dev.milvuscdc.event..", "dev.milvuscdc.http..", "dev.milvuscdc.metrics..",
                        "dev.milvuscdc.pipeline..", "dev.milvuscdc.replication..", "dev.milvuscdc.sink..",
                        "dev.milvuscdc.snapshot..", "dev.milvuscdc.source..", "dev.milvuscdc.store..", "dev.milvuscdc.task..")
                .check(MAIN);
    }
}
