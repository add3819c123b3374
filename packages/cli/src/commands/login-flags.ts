/** The `ferry login` flags as commander parses them; each service's flow reads its own. */
export interface LoginFlags {
  app?: string;
  clientId?: string;
  clientSecret?: string;
  drive?: string;
  endpoint?: string;
  qrPng?: string;
  pollMs: string;
}
