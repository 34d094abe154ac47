/**
 * The {@code relief} command line (picocli): one class per subcommand, the return value is
 * the exit code. Bad input is one line on stderr and exit code 2; a failed check exit code 1.
 * The lines each command prints last are an interface scripts parse (DESIGN.md
 * "Command-line contract").
 */
package org.relief.cli;
