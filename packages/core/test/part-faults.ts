import { TransientError } from '../src/index.js';

/** A `beforePart` that fails the part at `index` once, with a temporary error saying `why`. */
export function failOnceAt(index: number, why = 'connection reset by the test'): (part: { index: number }) => void {
  let armed = true;
  return (part) => {
    if (armed && part.index === index) {
      armed = false;
      throw new TransientError(why);
    }
  };
}
