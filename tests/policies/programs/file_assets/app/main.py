import json

import greeting


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"message": greeting.hello(event.get("name", "world"))})}
