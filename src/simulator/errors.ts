/**
 * Every error the simulator answers has the documented fault body (docs §6): `{status, message, faultCode, moreInfo}`, as application/json.
 *
 * Only `badRequest` and `ticketNotFound` appear in the docs; the other faultCodes used by the
 * simulator are descriptive names and non-contractual.
 */

export interface FaultBody {
  status: number;
  message: string;
  faultCode: string;
  moreInfo: string;
}

const CODES: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "notFound",
  405: "methodNotAllowed",
  406: "notAcceptable",
  409: "conflict",
  413: "requestTooLarge",
  429: "rateLimitExceeded",
  500: "internalServerError",
  502: "badGateway",
  503: "serviceUnavailable",
  504: "gatewayTimeout",
};

export function defaultFaultCode(status: number): string {
  return CODES[status] ?? `http${status}`;
}

export function faultBody(status: number, message: string, faultCode = defaultFaultCode(status)): FaultBody {
  return { status, message, faultCode, moreInfo: `docs/ticketing/general-api-info/faults/#${faultCode}` };
}

/** Thrown by handlers; turned into a fault response by the server. */
export class ApiFault extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly faultCode: string = defaultFaultCode(status),
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiFault";
  }

  get body(): FaultBody {
    return faultBody(this.status, this.message, this.faultCode);
  }
}

export const ticketNotFound = (): ApiFault => new ApiFault(404, "Ticket with this ID could not be found", "ticketNotFound");
