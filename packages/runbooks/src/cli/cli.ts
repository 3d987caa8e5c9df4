import { runCli } from './main.js';

// The AWS SDK warns about Node 20 in every process that creates a client. An SRE running a drill every few
// minutes should not read it each time: the README states the Node versions the SDK will need instead.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Interrupted (Ctrl-C) or left by its operator, a run is unfinished on purpose: its probes and steps in flight
// would keep the process alive. The journal is already on disk (each event is fsynced), so stop here; `firedrill
// resume` continues from the journal and re-checks whatever was cut off.
if (code === 130) process.exit(code);
