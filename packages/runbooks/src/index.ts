export { runCli, VERSION } from './cli/main.js';
export { type CliIo, EXIT, processIo } from './cli/cli-io.js';
export { UsageError } from './cli/usage-error.js';
export { reportToJUnit } from './render/report-junit.js';
export { reportToMarkdown } from './render/report-markdown.js';
export { reportToHtml } from './render/report-html.js';
