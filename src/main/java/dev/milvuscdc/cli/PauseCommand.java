package dev.milvuscdc.cli;

import picocli.CommandLine.Command;

@Command(name = "pause", description = "Stop a running task; its positions are kept.")
final class PauseCommand extends TaskActionCommand {

    @Override
    String done() {
        return "paused";
    }
}
