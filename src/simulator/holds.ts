/**
 * Keeps track of requests held by a hang fault so that closing the simulator releases every one of them.
 */
import type * as http from "node:http";

export class HeldRequests {
  private readonly releases = new Set<() => void>();
  private closed = false;

  /** Holds a request; resolves true to continue after `ms`, false if released (client gone or closing). */
  hold(res: http.ServerResponse, ms?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (proceed: boolean) => {
        if (timer) clearTimeout(timer);
        res.off("close", onClose);
        this.releases.delete(release);
        resolve(proceed);
      };
      const onClose = () => done(false);
      const release = () => done(false);
      res.once("close", onClose);
      this.releases.add(release);
      if (ms !== undefined) timer = setTimeout(() => done(!this.closed), ms);
    });
  }

  /** Releases every held request (they are abandoned) and refuses to continue any still timing. */
  releaseAll(): void {
    this.closed = true;
    for (const release of [...this.releases]) release();
  }
}
