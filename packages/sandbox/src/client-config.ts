/**
 * Configuration for SDK clients that talk to the sandbox. Every setting the SDK would otherwise resolve
 * from the environment or `~/.aws/config` (region, credentials, retry mode and attempts, dual-stack and
 * FIPS endpoints, app id, auth scheme preference, defaults mode, and S3's checksum, Express and ARN
 * settings) is given explicitly, so creating a client and sending its first command reads no file.
 */
import type { AwsCredentialIdentity } from '@smithy/types';

/** Static credentials the sandbox hands out by default. */
export const SANDBOX_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAFIREDRILLSANDBOX',
  secretAccessKey: 'firedrill-sandbox-secret-access-key',
};

/** The config returned by `sandbox.clientConfig(region)`, accepted by every simulated client. */
export interface SandboxClientConfig {
  region: string;
  credentials: AwsCredentialIdentity;
  maxAttempts: number;
  retryMode: string;
  useDualstackEndpoint: boolean;
  useFipsEndpoint: boolean;
  userAgentAppId: string;
  authSchemePreference: string[];
  defaultsMode: 'standard';
  requestHandler: { handle(): Promise<never> };
  /** S3 only: avoids a CreateSession call and config lookups. */
  disableS3ExpressSessionAuth: boolean;
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
  useArnRegion: boolean;
  sigv4aSigningRegionSet: string[];
  followRegionRedirects: boolean;
}

/**
 * The HTTP handler of a sandbox client. The sandbox middleware answers every command before it gets
 * here; reaching it means the plugin is missing, and the error says so instead of calling AWS.
 */
const unattachedHandler = {
  handle(): Promise<never> {
    return Promise.reject(
      new Error('This client uses the Firedrill sandbox config but not its plugin: call client.middlewareStack.use(sandbox.plugin(region)) or create it with sandbox.client(Client, region).'),
    );
  },
};

/** Builds the client config for `region` (Firedrill retries by itself, so `maxAttempts` is 1). */
export function sandboxClientConfig(region: string, credentials: AwsCredentialIdentity = SANDBOX_CREDENTIALS): SandboxClientConfig {
  return {
    region,
    credentials,
    maxAttempts: 1,
    retryMode: 'standard',
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
    userAgentAppId: 'firedrill-sandbox',
    authSchemePreference: [],
    defaultsMode: 'standard',
    requestHandler: unattachedHandler,
    disableS3ExpressSessionAuth: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    useArnRegion: false,
    sigv4aSigningRegionSet: [],
    followRegionRedirects: false,
  };
}
