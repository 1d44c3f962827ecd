import { AppError } from '../errors.js';

/**
 * The HTTP port is taken, most often by another instance of this service.
 * Raised before the Stasis app is registered, so the running instance keeps
 * its calls.
 */
export class PortInUseError extends AppError {
  constructor(host: string, port: number, app: string) {
    super(
      500,
      'port-in-use',
      `${host}:${port} is already in use (another instance running?); this instance stopped before registering Stasis app "${app}", so the one holding it keeps its calls`,
      { host, port, app },
    );
  }
}
