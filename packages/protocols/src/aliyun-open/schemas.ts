import { z } from 'zod';

/** Error body of every non-2xx JSON answer. */
export const aliyunErrorSchema = z.object({
  code: z.string(),
  message: z.string().optional(),
  requestId: z.string().optional(),
});

const aliyunCheckNameModeSchema = z.enum(['refuse', 'auto_rename', 'ignore']);
export type AliyunCheckNameMode = z.infer<typeof aliyunCheckNameModeSchema>;

export const aliyunTokenRequestSchema = z.object({
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  grant_type: z.string(),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
  code_verifier: z.string().optional(),
});
export type AliyunTokenRequest = z.infer<typeof aliyunTokenRequestSchema>;

export const aliyunTokenResponseSchema = z.object({
  token_type: z.string().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number(),
});

export const aliyunDriveInfoSchema = z.object({
  user_id: z.string(),
  name: z.string().optional(),
  avatar: z.string().optional(),
  default_drive_id: z.string(),
  resource_drive_id: z.string().optional(),
  backup_drive_id: z.string().optional(),
});

/** `getSpaceInfo`: bytes used and the quota of the user's personal space (every drive together). */
export const aliyunSpaceInfoSchema = z.object({
  personal_space_info: z.object({ used_size: z.number(), total_size: z.number() }),
});

const aliyunFileTypeSchema = z.enum(['file', 'folder']);

/** The file object of list/get/get_by_path/update/complete; extra fields pass through unread. */
export const aliyunFileSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  parent_file_id: z.string(),
  name: z.string(),
  type: aliyunFileTypeSchema,
  size: z.number().optional(),
  file_extension: z.string().optional(),
  content_hash: z.string().optional(),
  content_hash_name: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  status: z.string().optional(),
});
export type AliyunFile = z.infer<typeof aliyunFileSchema>;

export const aliyunListRequestSchema = z.object({
  drive_id: z.string(),
  parent_file_id: z.string(),
  limit: z.number().int().optional(),
  marker: z.string().optional(),
  order_by: z.enum(['created_at', 'updated_at', 'name', 'size', 'name_enhanced']).optional(),
  order_direction: z.enum(['ASC', 'DESC']).optional(),
  type: z.enum(['all', 'file', 'folder']).optional(),
  fields: z.string().optional(),
});

export const aliyunListResponseSchema = z.object({
  items: z.array(aliyunFileSchema),
  next_marker: z.string().optional().default(''),
});

export const aliyunGetRequestSchema = z.object({ drive_id: z.string(), file_id: z.string() });
export const aliyunGetByPathRequestSchema = z.object({ drive_id: z.string(), file_path: z.string() });

export const aliyunDownloadUrlRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  expire_sec: z.number().int().optional(),
});
export const aliyunDownloadUrlResponseSchema = z.object({
  url: z.string(),
  expiration: z.string().optional(),
  method: z.string().optional(),
  size: z.number().optional(),
  content_hash: z.string().optional(),
});

const aliyunPartInfoRequestSchema = z.object({ part_number: z.number().int(), part_size: z.number().int().optional() });
const aliyunPartInfoSchema = z.object({
  part_number: z.number().int(),
  upload_url: z.string(),
  part_size: z.number().optional(),
  etag: z.string().optional(),
});
export type AliyunPartInfo = z.infer<typeof aliyunPartInfoSchema>;

export const aliyunCreateRequestSchema = z.object({
  drive_id: z.string(),
  parent_file_id: z.string(),
  name: z.string(),
  type: aliyunFileTypeSchema,
  check_name_mode: aliyunCheckNameModeSchema.optional(),
  part_info_list: z.array(aliyunPartInfoRequestSchema).optional(),
  size: z.number().int().nonnegative().optional(),
  pre_hash: z.string().optional(),
  content_hash: z.string().optional(),
  content_hash_name: z.string().optional(),
  proof_code: z.string().optional(),
  proof_version: z.string().optional(),
  local_created_at: z.string().optional(),
  local_modified_at: z.string().optional(),
});

export const aliyunCreateResponseSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  parent_file_id: z.string().optional(),
  file_name: z.string().optional(),
  type: aliyunFileTypeSchema.optional(),
  status: z.string().optional(),
  upload_id: z.string().optional(),
  exist: z.boolean().optional(),
  rapid_upload: z.boolean().optional(),
  part_info_list: z.array(aliyunPartInfoSchema).optional(),
});
export type AliyunCreateResponse = z.infer<typeof aliyunCreateResponseSchema>;

export const aliyunUploadUrlRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  upload_id: z.string(),
  part_info_list: z.array(aliyunPartInfoRequestSchema),
});
export const aliyunUploadUrlResponseSchema = z.object({
  drive_id: z.string().optional(),
  file_id: z.string().optional(),
  upload_id: z.string().optional(),
  created_at: z.string().optional(),
  part_info_list: z.array(aliyunPartInfoSchema),
});

export const aliyunListUploadedPartsRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  upload_id: z.string(),
  part_number_marker: z.string().optional(),
});
export const aliyunListUploadedPartsResponseSchema = z.object({
  drive_id: z.string().optional(),
  upload_id: z.string().optional(),
  uploaded_parts: z.array(z.object({ part_number: z.number(), part_size: z.number().optional(), etag: z.string().optional() })),
  next_part_number_marker: z.string().optional(),
});

export const aliyunCompleteRequestSchema = z.object({ drive_id: z.string(), file_id: z.string(), upload_id: z.string() });

export const aliyunUpdateRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  name: z.string().optional(),
  check_name_mode: aliyunCheckNameModeSchema.optional(),
  starred: z.boolean().optional(),
});

export const aliyunMoveRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  to_parent_file_id: z.string(),
  to_drive_id: z.string().optional(),
  check_name_mode: aliyunCheckNameModeSchema.optional(),
  new_name: z.string().optional(),
});
export const aliyunMoveResponseSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  exist: z.boolean().optional(),
  async_task_id: z.string().optional(),
});

export const aliyunCopyRequestSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  to_parent_file_id: z.string(),
  to_drive_id: z.string().optional(),
  auto_rename: z.boolean().optional(),
});

/** trash, delete and copy answer with the ids (and a task id for background work). */
export const aliyunFileRefResponseSchema = z.object({
  drive_id: z.string(),
  file_id: z.string(),
  async_task_id: z.string().optional(),
});
