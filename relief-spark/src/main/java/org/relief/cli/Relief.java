package org.relief.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.relief.model.ReliefInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root {@code relief} command. */
@Command(
    name = "relief",
    mixinStandardHelpOptions = true,
    versionProvider = Relief.Version.class,
    description = "NNrelief pruning experiments (Dekhovich et al., arXiv 2109.10795) on Spark.",
    subcommands = {RunCommand.class, SweepCommand.class, ReportCommand.class, ExportCommand.class, ConformanceCommand.class,
        BenchCommand.class})
public final class Relief implements Callable<Integer> {
  /** Exit code for bad input: a file, key or value at fault. */
  public static final int EXIT_INPUT = 2;
  /** Exit code for a check that ran and failed, or an unexpected error. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code of a sweep that finished with some trials failed. */
  public static final int EXIT_PARTIAL = 3;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    exitWithParent();
    System.exit(commandLine().execute(args));
  }

  /**
   * A trial forked by a sweep task ({@code -Drelief.parent-pid}) ends when that JVM ends, so a
   * killed sweep never leaves a trial writing into its directory.
   */
  private static void exitWithParent() {
    String parent = System.getProperty("relief.parent-pid");
    if (parent == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(handle -> {
      Thread watchdog = new Thread(() -> {
        handle.onExit().join();
        Runtime.getRuntime().halt(EXIT_FAILURE);
      }, "relief-parent-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }, () -> Runtime.getRuntime().halt(EXIT_FAILURE));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Relief());
    cli.setExecutionExceptionHandler(Relief::handleError);
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return EXIT_INPUT;
  }

  /** One line on stderr, no stack trace unless {@code --debug}: bad input → 2, anything else → 1. */
  private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean debug = parsed.hasMatchedOption("--debug") || isDebug(parsed);
    Throwable cause = e;
    while (!(cause instanceof ReliefInputException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof ReliefInputException input) {
      err.println("relief: " + input.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_INPUT;
    }
    err.println("relief: " + e + (debug ? "" : " (rerun with --debug for the stack trace)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_FAILURE;
  }

  private static boolean isDebug(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Relief.class.getPackage().getImplementationVersion();
      return new String[] {"relief " + (v == null ? "dev" : v)};
    }
  }
}
