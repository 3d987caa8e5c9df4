import { runCli } from './main.js';

// The AWS SDK warns about Node 20 in every process that creates a client. An SRE running a drill every few
// minutes should not read it each time: the README states the Node versions the SDK will need instead.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
process.exitCode = await runCli(process.argv.slice(2));
