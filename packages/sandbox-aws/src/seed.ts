import * as z from 'zod';
import { parseWith } from '@autoscaler/core';
import type { FakeEndpointSeed, FakeInferenceComponentSeed } from './sagemaker-service';

const name = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker name: letters, digits and hyphens, at most 63');

const SeedSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region code like us-east-1')
    .optional(),
  endpoints: z
    .array(
      z.strictObject({
        name,
        configName: name.optional(),
        status: z.enum(['InService', 'Updating', 'Creating', 'Failed', 'OutOfService']).optional(),
        tags: z.record(z.string().max(128), z.string().max(256)).optional(),
        variants: z
          .array(
            z.strictObject({
              name: name.optional(),
              instanceType: z
                .string()
                .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'must look like ml.m5.large')
                .optional(),
              instances: z.number().int().min(0).max(1000).optional(),
              weight: z.number().min(0).optional(),
              model: z.string().min(1).optional(),
              serverless: z
                .strictObject({
                  memorySizeInMB: z.number().int().min(1024).max(6144).optional(),
                  maxConcurrency: z.number().int().min(1).max(200).optional(),
                  provisionedConcurrency: z.number().int().min(1).max(200).optional(),
                })
                .optional(),
            }),
          )
          .min(1)
          .optional(),
      }),
    )
    .default([]),
  inferenceComponents: z
    .array(
      z.strictObject({
        name,
        endpoint: name.optional(),
        variant: name.optional(),
        copies: z.number().int().min(0).max(1000).optional(),
        status: z.enum(['InService', 'Updating', 'Creating', 'Failed']).optional(),
        tags: z.record(z.string().max(128), z.string().max(256)).optional(),
      }),
    )
    .default([]),
  topics: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic name')).default([]),
});

export interface SandboxSeed {
  region?: string;
  endpoints: FakeEndpointSeed[];
  /** Optional in the type (a hand-built seed may omit it); parseSandboxSeed always fills it. */
  inferenceComponents?: FakeInferenceComponentSeed[];
  topics: string[];
}

/** The `autoscaler sandbox aws --seed <file>` document, validated field by field. */
export function parseSandboxSeed(doc: unknown): SandboxSeed {
  const s = parseWith(SeedSchema, doc, 'sandbox seed');
  return { ...(s.region ? { region: s.region } : {}), endpoints: s.endpoints, inferenceComponents: s.inferenceComponents, topics: s.topics };
}
