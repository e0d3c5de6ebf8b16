/* Running QEMU: fork + execvp (no shell), its own process group so a deadline can
 * kill QEMU and anything it started, output into a log file. */
#include "replay.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double replay_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: own group, stdin /dev/null, stdout+stderr to the log, exec. */
static void exec_child(const struct replay_argv *a, const char *log_path)
{
	int in = open("/dev/null", O_RDONLY);
	int out = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	setpgid(0, 0);
	/* QEMU must not outlive a replay or replay-fuzz that is killed: its own group
	 * keeps it from the terminal's signals, so it dies with the thread that
	 * started it (found when a stopped fuzz run left hung guests running) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(125);	/* the parent died before prctl */
	if (in < 0 || out < 0)
		_exit(126);
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	close(in);
	close(out);
	execvp(a->arg[0], a->arg);
	_exit(127);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int replay_run(const struct replay_argv *a, const char *log_path, unsigned timeout_s,
	       struct replay_run *r)
{
	double t0 = replay_now();
	int status = 0;
	pid_t pid;

	r->how = RUN_SPAWN_FAILED;
	r->code = 0;
	r->seconds = 0;
	if (a->n == 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_child(a, log_path);
	/* Both sides set the group, so a kill right after fork cannot miss it. */
	setpgid(pid, pid);
	for (;;) {
		siginfo_t info;

		/* WNOWAIT: the exited leader stays a zombie, so its group ID cannot be
		 * reused by an unrelated process before the group is cleaned up below. */
		info.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
			return -1;
		if (info.si_pid == pid)
			break;
		if (replay_now() - t0 > timeout_s) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			r->how = RUN_TIMEOUT;
			r->seconds = replay_now() - t0;
			return 0;
		}
		sleep_ms(50);
	}
	r->seconds = replay_now() - t0;
	/* QEMU may have left helpers behind in its group; nothing of it outlives the run. */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status)) {
		r->code = WEXITSTATUS(status);
		r->how = r->code == 127 || r->code == 126 ? RUN_SPAWN_FAILED : RUN_EXITED;
	} else {
		r->how = RUN_SIGNALED;
		r->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return 0;
}
