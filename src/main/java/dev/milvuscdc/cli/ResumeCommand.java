package dev.milvuscdc.cli;

import picocli.CommandLine.Command;

@Command(name = "resume", description = "Start a paused task again from its stored positions.")
final class ResumeCommand extends TaskActionCommand {

    @Override
    String done() {
        return "resumed";
    }
}
