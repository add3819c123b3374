/**
 * A remote's config entry as `ferry remote add` would store it: the provider type the emulator
 * stands in for, and the options that reach it. The emulator names the type as a plain string, so
 * it needs no provider to say it, and hosts print or save the entry without knowing the type.
 */
export type EmulatorRemote = { type: string } & Record<string, string | number | boolean>;
