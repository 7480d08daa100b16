/**
 * Entry point the serialized stub loads by package name at run time
 * (`pulumi-rackspace-ticketing/provider/impl`). Keep it tiny: it only hands out the
 * real provider.
 */
import { RackspaceTicketProvider } from "./provider";

/** A fresh provider; the dynamic provider host caches and configures it. */
export function handler(): RackspaceTicketProvider {
  return new RackspaceTicketProvider();
}

export { RackspaceTicketProvider };
