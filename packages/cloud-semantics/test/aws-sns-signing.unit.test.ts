import { snsStringToSign, type SnsSignedFields } from '../src';

const base: SnsSignedFields = {
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Message: 'My Message',
  Timestamp: '2012-05-02T00:54:06.655Z',
};

describe('snsStringToSign (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html)', () => {
  it('a notification signs Message, MessageId, Subject (when present), Timestamp, TopicArn, Type in that order', () => {
    expect(snsStringToSign({ ...base, Subject: 'My First Message' })).toBe(
      'Message\nMy Message\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\n' +
        'TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n',
    );
  });

  it('a notification without a subject (absent or null, as Lambda sends it) leaves the key out', () => {
    const expected =
      'Message\nMy Message\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nTimestamp\n2012-05-02T00:54:06.655Z\n' +
      'TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n';
    expect(snsStringToSign(base)).toBe(expected);
    expect(snsStringToSign({ ...base, Subject: null })).toBe(expected);
    // Notifications never sign SubscribeURL or Token, even when a forger adds them.
    expect(snsStringToSign({ ...base, SubscribeURL: 'https://evil.example', Token: 't' })).toBe(expected);
  });

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'])('a %s signs SubscribeURL and Token, never Subject', (Type) => {
    const fields = { ...base, Type, Subject: 'ignored', SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription', Token: 'tok' };
    expect(snsStringToSign(fields)).toBe(
      'Message\nMy Message\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription\n' +
        `Timestamp\n2012-05-02T00:54:06.655Z\nToken\ntok\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\n${Type}\n`,
    );
  });
});
