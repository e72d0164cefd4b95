/** The one expectAlert of the tests: fn must throw a TLSAlertError carrying this alert, one we send, with a reason matching `reason` if given. */
import type { Test } from 'tap';
import { TLSAlertError } from '../../lib/errors.js';

export function expectAlert(t: Test, fn: () => unknown, alert: number, reason?: RegExp, message = `alert ${alert}`): TLSAlertError | undefined {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof TLSAlertError)) {
      t.fail(`${message}: threw ${String(err)} instead of a TLSAlertError`);
      return undefined;
    }
    t.equal(err.alert, alert, message);
    t.equal(err.sent, true, `${message}: an alert we send`);
    if (reason) t.match(err.reason, reason, `${message}: reason`);
    return err;
  }
  t.fail(`${message}: did not throw`);
  return undefined;
}
