use super::*;

/// The policies of a YAML template as (name, kind, origin).
fn kinds(text: &str) -> Vec<(String, PolicyKind, String)> {
    extract_yaml(text).expect("a template").policies.into_iter().map(|p| (p.name, p.kind, p.origin)).collect()
}

#[test]
fn a_managed_policy_that_is_a_permissions_boundary_is_read_as_one() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
  Attached:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref Boundary
      ManagedPolicyArns: [!Ref Attached]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
  OtherRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !GetAtt [Boundary, PolicyArn]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
  Operator:
    Type: AWS::IAM::User
    Properties:
      PermissionsBoundary: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/OperatorBoundary'
      Policies:
        - PolicyName: ops
          PolicyDocument:
            Statement: [{Effect: Allow, Action: 's3:ListBucket', Resource: '*'}]
  Plain:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: arn:aws:iam::123456789012:policy/Plain
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
  Given:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref BoundaryArn
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
Parameters:
  BoundaryArn:
    Type: String
    Default: arn:aws:iam::123456789012:policy/Given
";
    let found = kinds(text);
    let expected = [
        (
            "Boundary",
            PolicyKind::Boundary,
            "AWS::IAM::ManagedPolicy `Boundary` PolicyDocument (a permissions boundary: the PermissionsBoundary of AWS::IAM::Role `AppRole`)",
        ),
        ("Attached", PolicyKind::Identity, "AWS::IAM::ManagedPolicy `Attached` PolicyDocument (an identity-based policy)"),
        (
            "AppRole",
            PolicyKind::Trust,
            "AWS::IAM::Role `AppRole` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "AppRole",
            PolicyKind::Identity,
            "AWS::IAM::Role `AppRole` Policies `app` (an identity-based policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "OtherRole",
            PolicyKind::Trust,
            "AWS::IAM::Role `OtherRole` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `Boundary`",
        ),
        (
            "Operator",
            PolicyKind::Identity,
            "AWS::IAM::User `Operator` Policies `ops` (an identity-based policy); the user's permissions boundary: `!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/OperatorBoundary'`",
        ),
        (
            "Plain",
            PolicyKind::Trust,
            "AWS::IAM::Role `Plain` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Plain`",
        ),
        (
            "Given",
            PolicyKind::Trust,
            "AWS::IAM::Role `Given` AssumeRolePolicyDocument (a role trust policy); the role's permissions boundary: the parameter `BoundaryArn` (default `arn:aws:iam::123456789012:policy/Given`)",
        ),
    ];
    let expected: Vec<(String, PolicyKind, String)> =
        expected.iter().map(|(n, k, o)| (n.to_string(), *k, o.to_string())).collect();
    assert_eq!(found, expected);
}

#[test]
fn a_sam_function_notes_its_permissions_boundary() {
    let text = "Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      PermissionsBoundary: arn:aws:iam::123456789012:policy/Boundary
      Policies:
        - Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]
        - S3ReadPolicy: {BucketName: corpus}
";
    let origins: Vec<String> = kinds(text).into_iter().map(|(_, _, o)| o).collect();
    assert_eq!(
        origins,
        [
            "AWS::Serverless::Function `Fn` Policies (an identity-based policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Boundary`",
            "AWS::Serverless::Function `Fn` Policies: the SAM policy template `S3ReadPolicy` (an identity-based policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Boundary`",
        ]
    );
}

/// The host text a JSON range of `policy` maps to, the range being where `needle` is in the JSON.
fn host_of<'t>(text: &'t str, policy: &EmbeddedPolicy, needle: &str) -> &'t str {
    let at = policy.json.text().find(needle).unwrap_or_else(|| panic!("{needle} not in {}", policy.json.text()));
    &text[policy.json.to_host(at..at + needle.len())]
}

#[test]
fn intrinsics_resolve_to_their_values_in_short_and_long_forms() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage:
    Type: String
    Default: prod
Mappings:
  Buckets:
    us-east-1:
      Logs: central-logs
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Reader:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource:
              - !Join ['', ['arn:aws:s3:::', !Ref Stage, '-data/*']]
              - Fn::Join: [':', [arn, !Ref 'AWS::Partition', s3, '', '', joined/*]]
              - !Select [1, [unused, 'arn:aws:s3:::second/*']]
              - !Select [0, !Split [',', 'arn:aws:s3:::first/*,arn:aws:s3:::other/*']]
              - !Sub ['arn:aws:s3:::${Bucket}/*', {Bucket: !FindInMap [Buckets, !Ref 'AWS::Region', Logs]}]
              - Fn::Sub:
                  - 'arn:${AWS::Partition}:s3:::${Name}/${!literal}'
                  - Name: long-form
              - Fn::If: [IsProd, 'arn:aws:s3:::prod-only/*', !Ref 'AWS::NoValue']
";
    let found = extract_yaml(text).expect("a template");
    let jsons: Vec<&str> = found.policies.iter().map(|p| p.json.text()).collect();
    let resources = |last: &str| {
        format!(
            concat!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":["#,
                r#""arn:aws:s3:::prod-data/*","arn:aws:s3:::joined/*","arn:aws:s3:::second/*","arn:aws:s3:::first/*","#,
                r#""arn:aws:s3:::central-logs/*","arn:aws:s3:::long-form/${{literal}}"{}]}}]}}"#
            ),
            last
        )
    };
    // `Fn::If` checked both ways: its `AWS::NoValue` branch drops the item.
    assert_eq!(jsons, [resources(r#","arn:aws:s3:::prod-only/*""#), resources("")]);
    let policy = &found.policies[0];
    assert_eq!(host_of(text, policy, "prod"), "!Ref Stage");
    assert_eq!(host_of(text, policy, "-data/*"), "-data/*");
    // a value chosen from a list is the `Fn::Select` that chose it
    assert_eq!(
        host_of(text, policy, "arn:aws:s3:::first/*"),
        "!Select [0, !Split [',', 'arn:aws:s3:::first/*,arn:aws:s3:::other/*']]"
    );
    assert_eq!(host_of(text, policy, "central-logs"), "${Bucket}");
    assert_eq!(host_of(text, policy, "long-form"), "${Name}");
}
