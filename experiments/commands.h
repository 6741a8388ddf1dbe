/* The subcommands of ./pyvet, one line each: COMMAND(function_suffix, "cli-name", "summary").
 *
 * Adding a subcommand
 * -------------------
 * 1. Write `int cmd_NAME(int argc, char **argv)` in experiments/cmd_NAME.c (argv[0] is the
 *    subcommand name; return the process exit status; print errors as "pyvet: <what>: <why>").
 * 2. Add one COMMAND() line below. pyvet.c declares and dispatches it; `pyvet help` lists it. */
