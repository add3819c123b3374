/** A JSON error answer, `{code, message, requestId}` with a non-2xx status (§1, §12). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFoundFileId = (id: string) => new ApiError(404, 'NotFound.FileId', `The resource file_id cannot be found. file_id: ${id}`);
export const invalidParameter = (what: string) => new ApiError(400, `InvalidParameter.${what}`, `The input parameter ${what} is not valid.`);
export const inRecycleBin = () => new ApiError(400, 'ForbiddenFileInTheRecycleBin', 'The file is in the recycle bin.');
export const uploadIdNotFound = () => new ApiError(400, 'NotFound.UploadId', 'The resource upload_id cannot be found or has expired.');
