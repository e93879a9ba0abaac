import { text } from './common';
import { z } from './zod';

export const SuggestionRequest = z
  .strictObject({
    title: text(100).optional().openapi({ example: '和谐路线缆耷拉' }),
    description: text(4000).openapi({ example: '俺家门口的网线耷拉下来了，快碰到头了，大车过不去' }),
    location: z
      .strictObject({
        communityId: z.string().trim().min(1).max(64).optional().openapi({ example: '410581001001' }),
        lat: z.number().min(-90).max(90).optional(),
        lng: z.number().min(-180).max(180).optional(),
        address: text(300).optional(),
      })
      .optional(),
    reporter: z.strictObject({ phone: z.string().trim().regex(/^\+?[0-9 -]{5,20}$/, '电话号码格式不正确').optional() }).optional(),
  })
  .openapi('TriageSuggestionRequest');

const score = z.number().min(0).max(1);

export const SuggestionBody = z
  .object({
    categories: z
      .array(z.object({ category: z.string(), name: z.string(), score }))
      .openapi({ description: '事项分类建议，可能性从高到低（至少三个叶子分类）；score 为模型给出的概率' }),
    units: z
      .array(z.object({ unitId: z.string(), name: z.string(), role: z.enum(['lead', 'cooperating']), score }))
      .openapi({ description: '首选分类在该地点的责任单位（权责清单，并按近一年调度员的实际派单加权）' }),
    duplicates: z
      .array(z.object({ id: z.string(), caseNo: z.string(), title: z.string(), score, reason: z.string().openapi({ example: '同一社区（小池社区），同类事项（通信线缆下垂），描述相近 72%，今天受理' }) }))
      .openapi({ description: '可能是同一问题的在办案件（本人辖区内，30 天内受理），供并单参考' }),
    model: z.object({ version: z.number().int(), trainedAt: z.string(), examples: z.number().int() }).openapi({ description: '给出建议的模型版本' }),
  })
  .openapi('TriageSuggestions');
