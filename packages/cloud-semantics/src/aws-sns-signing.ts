/** The fields of an SNS message that its signature covers, as in a Lambda event's `Sns` object or an HTTP(S) delivery body. */
export interface SnsSignedFields {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string | null;
  SubscribeURL?: string;
  Token?: string;
}

/**
 * The string SNS signs: `Key\nValue\n` for each signed key, in this order (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
 * Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type.
 * (Un)SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 * The provider verifies with it and the sandbox's fake SNS signs with it.
 */
export function snsStringToSign(fields: SnsSignedFields): string {
  const keys =
    fields.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  let out = '';
  for (const k of keys) {
    const v = fields[k];
    if (v === undefined || v === null) continue;
    out += `${k}\n${v}\n`;
  }
  return out;
}
