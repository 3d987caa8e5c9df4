import { runCli } from './main.js';

// The AWS SDK warns about Node 20 in every process that creates a client. An SRE running a drill every few
// minutes should not read it each time: the README states the Node versions the SDK will need instead.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
// `firedrill check plan.yaml | head` closes the pipe early: the rest of the output has no reader, which is no
// error of the command's. A run keeps going (a failover is not abandoned because its log reader left) and exits
// with its own code; without a listener Node would print a stack trace for the EPIPE and exit 1.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Interrupted (Ctrl-C) or left by its operator, a run is unfinished on purpose: its probes and steps in flight
// would keep the process alive. The journal is already on disk (each event is fsynced), so stop here; `firedrill
// resume` continues from the journal and re-checks whatever was cut off.
if (code === 130) process.exit(code);
