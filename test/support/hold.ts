/** A held call: `reached` once it is held, `release` lets it go on, `restore` puts the method back. */
export interface HeldCall {
  reached: Promise<void>;
  release(): void;
  restore(): void;
}

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/**
 * Holds the first call of `target[name]` whose arguments `when` accepts (default: the first call)
 * until `release`, so a test can put another step in between at that exact moment; later calls go
 * through as they are.
 */
export function holdFirstCall<T extends object, K extends keyof T>(
  target: T,
  name: K,
  when: (...args: T[K] extends AsyncMethod ? Parameters<T[K]> : never) => boolean = () => true,
): HeldCall {
  let release = () => {};
  let reach = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const original = target[name] as AsyncMethod;
  let held = false;
  const wrapped = async (...args: never[]) => {
    if (!held && (when as (...a: never[]) => boolean)(...args)) {
      held = true;
      reach();
      await gate;
    }
    return original.apply(target, args);
  };
  target[name] = wrapped as T[K];
  return { reached, release: () => release(), restore: () => (target[name] = original as T[K]) };
}
